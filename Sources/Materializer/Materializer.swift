/// Materializer keeps the SQLite view of findings, alerts and decisions.
public enum Materializer {}
