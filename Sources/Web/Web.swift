/// Web serves the web UI, the JSON API and the HTTP ingest endpoint.
public enum Web {}
