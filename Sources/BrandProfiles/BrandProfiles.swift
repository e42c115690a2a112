/// BrandProfiles loads and validates the brand watch profiles of BRANDS.md.
public enum BrandProfiles {}
