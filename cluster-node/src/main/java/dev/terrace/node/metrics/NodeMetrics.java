package dev.terrace.node.metrics;

import dev.terrace.node.store.NodeStore;
import dev.terrace.tier.TierStats;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The node's Prometheus metrics: tier usage and counters read from the tiers at scrape time, and request counts by
 * route and status recorded by the HTTP layer.
 */
public final class NodeMetrics
{
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;

    public NodeMetrics(final NodeStore store)
    {
        requests = Counter.builder()
            .name("terrace_requests_total")
            .help("HTTP requests by route and status code")
            .labelNames("route", "status")
            .register(registry);
        GaugeWithCallback.builder()
            .name("terrace_tier_capacity_bytes").help("Byte budget of each tier").labelNames("tier")
            .callback(cb -> store.tierStats().forEach(s -> cb.call(s.capacityBytes(), s.kind().label())))
            .register(registry);
        GaugeWithCallback.builder()
            .name("terrace_tier_used_bytes").help("Payload bytes held by each tier").labelNames("tier")
            .callback(cb -> store.tierStats().forEach(s -> cb.call(s.usedBytes(), s.kind().label())))
            .register(registry);
        GaugeWithCallback.builder()
            .name("terrace_tier_extents").help("Extents (or whole objects) held by each tier").labelNames("tier")
            .callback(cb -> store.tierStats().forEach(s -> cb.call(s.extents(), s.kind().label())))
            .register(registry);
        tierCounter(store, "terrace_tier_hits_total", "Reads that found the key", TierStats::hits);
        tierCounter(store, "terrace_tier_misses_total", "Reads that did not find the key", TierStats::misses);
        tierCounter(store, "terrace_tier_read_bytes_total", "Payload bytes read", TierStats::bytesRead);
        tierCounter(store, "terrace_tier_written_bytes_total", "Payload bytes written", TierStats::bytesWritten);
        tierCounter(store, "terrace_tier_corruptions_total", "Damaged records detected and dropped",
            TierStats::corruptions);
        CounterWithCallback.builder()
            .name("terrace_demotions_total").help("Extents demoted out of memory")
            .callback(cb -> cb.call(store.demotions())).register(registry);
        CounterWithCallback.builder()
            .name("terrace_promotions_total").help("Extents promoted into memory")
            .callback(cb -> cb.call(store.promotions())).register(registry);
        CounterWithCallback.builder()
            .name("terrace_capacity_fallbacks_total")
            .help("Extent reads served from the capacity tier because no faster tier held a good copy")
            .callback(cb -> cb.call(store.capacityFallbacks())).register(registry);
        CounterWithCallback.builder()
            .name("terrace_cache_losses_total").help("Cache-class items whose bytes left every tier")
            .callback(cb -> cb.call(store.cacheLosses())).register(registry);
        GaugeWithCallback.builder()
            .name("terrace_items").help("Objects and KV blocks indexed").labelNames("kind")
            .callback(cb ->
            {
                final long[] counts = store.itemCounts();
                cb.call(counts[0], "object");
                cb.call(counts[1], "kv_block");
            })
            .register(registry);
    }

    /** Registers a gauge read at scrape time. */
    public void gauge(final String name, final String help, final java.util.function.IntSupplier value)
    {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsInt())).register(registry);
    }

    /** Counts one answered request. */
    public void recordRequest(final String route, final int status)
    {
        requests.labelValues(route, Integer.toString(status)).inc();
    }

    /** The Prometheus text exposition of every metric. */
    public String scrape()
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try
        {
            new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private void tierCounter(
        final NodeStore store, final String name, final String help, final java.util.function.ToLongFunction<TierStats> value)
    {
        CounterWithCallback.builder()
            .name(name).help(help).labelNames("tier")
            .callback(cb -> store.tierStats().forEach(s -> cb.call(value.applyAsLong(s), s.kind().label())))
            .register(registry);
    }
}
