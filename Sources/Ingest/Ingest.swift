/// Ingest publishes input lines (message files, spool folders, HTTP bodies) to the raw topics with their evidence.
public enum Ingest {}
