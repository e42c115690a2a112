/// Alert owns the alert stage: it reads each item's current judgement from
/// `findings`, keeps the verdicts that reach their brand's minimum severity
/// (``AlertPolicy``), drops those that do not rise above what was already
/// alerted for the item (a durable dedupe table), and routes the rest to the
/// `alerts` topic and to each brand's webhooks (signed with HMAC-SHA256,
/// retried with backoff, dead-lettered when they keep failing). It does not
/// score: severities come from cross-link's `RiskScorer`.
public enum AlertStage {}
