"""Field encryption under per-operation keys, blind indexes, crypto-shred."""
