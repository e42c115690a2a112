/// HashImages fetches and decodes pictures, computes PDQ hashes and matches brand references.
public enum HashImages {}
