package dev.terrace.node.store;

/**
 * What a stored item is: an object ({@code bucket/key}) or a KV block ({@code namespace/hash}).
 */
public enum ItemKind
{
    OBJECT,
    KV_BLOCK
}
