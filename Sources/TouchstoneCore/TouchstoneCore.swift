/// TouchstoneCore owns the value types every pipeline role shares: the
/// canonical ``Item`` and what later stages add to it (picture hashes,
/// ``Signal``s, ``ItemVerdict``s), the ``Alert``, ``Decision`` and
/// ``DeadLetter`` messages, the names of the contract topics
/// (``TopicName``), and the JSON coding conventions used on every topic.
/// It does no I/O.
public enum TouchstoneCore {}
