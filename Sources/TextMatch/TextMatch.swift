/// TextMatch owns the text-match stage: the pure matcher that finds, for every
/// brand profile, brand terms, product names, counterfeit signs, prices under
/// the retail floor, authorized sellers and carried-over picture matches in an
/// item (``TextMatcher``), with the span in the original text, the rule that
/// fired and the normalised form that matched; and the ``TextMatchProcessor``
/// that runs it on `items.hashed` and produces `items.matched`, reloading
/// changed profiles on the fly. Normalisation (NFKC, case and accent folding,
/// UTS #39 confusables, leetspeak) lives in `Folding.swift`, the multi-term
/// automaton in `Automaton.swift`, the typo index in `TypoIndex.swift`.
public enum TextMatch {}
