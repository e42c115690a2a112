/// CrossLink joins items into clusters across platforms and spreads cluster risk to members.
public enum CrossLink {}
