/// TouchstoneTestKit: what tests share — a real Kafka-protocol broker (Tansu) they start, temporary data folders, child processes.
public enum TouchstoneTestKit {}
