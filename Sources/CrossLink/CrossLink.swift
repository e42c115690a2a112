/// CrossLink owns the cross-link stage: it reads the link keys of every item
/// (product ids in links and text, shop URLs and domains, contacts, link-in-bio,
/// handles, near-duplicate pictures by PDQ), joins items that share them into
/// clusters with the evidence of every edge, and judges each member with the
/// cluster's risk (``RiskScorer``), so that a generic listing inherits the brand
/// and severity of the post that sells it. Its state is one durable SQLite file
/// (``CrossLinkProcessor`` explains how it scales and survives restarts).
public enum CrossLink {}
