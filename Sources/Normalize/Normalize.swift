/// Normalize turns raw platform objects into canonical items, one adapter per platform.
public enum Normalize {}
