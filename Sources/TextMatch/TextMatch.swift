/// TextMatch finds brand terms, products, counterfeit signs, prices and sellers in item text.
public enum TextMatch {}
