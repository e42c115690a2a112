/// Alert scores findings, deduplicates them and routes alerts to their sinks.
public enum Alert {}
