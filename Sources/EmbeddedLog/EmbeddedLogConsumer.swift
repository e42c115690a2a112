import Transport

/// A consumer of the embedded log. Standalone, it reads every partition of its
/// topics. In a group, it owns the partitions whose `.owner` file it holds an
/// exclusive `flock` on: each member computes the same split from the list of
/// live members (partition `p` of a topic goes to subscriber `p % count`), takes
/// the locks of its share as they come free, and gives up those it no longer
/// should have. A dead member's locks are freed by the kernel, so the others
/// take its partitions over at their next membership check.
///
/// Waiting at the end of the log sleeps (async, 1 ms doubling to 16 ms) between
/// looks, so a new message is seen within ~16 ms and an idle consumer costs
/// a few hundred cheap syscalls a second.
actor EmbeddedLogConsumer: MessageConsumer {
    let transport: EmbeddedLogTransport
    let topics: [String]
    let membership: ConsumerMembership
    private var readers: [TopicPartition: PartitionReader] = [:]
    private var ownerLocks: [TopicPartition: PosixFile] = [:]
    private var member: GroupMembers.Member?
    private var memberFile: PosixFile?
    private var nextMembershipCheck = ContinuousClock.now
    private var rotation = 0
    private var closed = false

    static let maximumIdleSleep: Duration = .milliseconds(16)

    init(transport: EmbeddedLogTransport, topics: [String], membership: ConsumerMembership) async throws {
        self.transport = transport
        self.topics = Array(Set(topics)).sorted()
        self.membership = membership
        for topic in self.topics { _ = try transport.settings(topic) }
        switch membership {
        case .standalone(let start):
            for topic in self.topics {
                for partition in 0..<(try transport.settings(topic).partitions) {
                    let reader = PartitionReader(topic: topic, partition: partition, directory: transport.partitionDirectory(topic, partition))
                    try reader.seek(to: start)
                    readers[TopicPartition(topic: topic, partition: partition)] = reader
                }
            }
        case .group(let group, _):
            try EmbeddedLogTransport.checkName(group, what: "group")
            let (member, file) = try GroupMembers.join(directory: "\(transport.groupDirectory(group))/members", topics: self.topics)
            self.member = member
            memberFile = file
            try rebalance()
        }
    }

    var groupName: String? {
        if case .group(let name, _) = membership { return name }
        return nil
    }

    /// Recomputes this member's share and takes or gives up partition locks.
    private func rebalance() throws {
        guard let group = groupName, let member else { return }
        let groupDirectory = transport.groupDirectory(group)
        let members = GroupMembers.live(in: "\(groupDirectory)/members", except: member)
        var wanted: Set<TopicPartition> = []
        for topic in topics {
            let subscribers = members.filter { $0.topics.contains(topic) }.map(\.id)
            guard let index = subscribers.firstIndex(of: member.id) else { continue }
            let partitions = try transport.settings(topic).partitions
            for partition in 0..<partitions where Int(partition) % subscribers.count == index {
                wanted.insert(TopicPartition(topic: topic, partition: partition))
            }
        }
        for owned in ownerLocks.keys where !wanted.contains(owned) {
            ownerLocks[owned] = nil  // closing the descriptor releases the lock
            readers[owned] = nil
        }
        var missing = false
        for partition in wanted.sorted() where ownerLocks[partition] == nil {
            try FileSystem.makeDirectory("\(groupDirectory)/\(partition.topic)")
            let lock = try PosixFile(path: "\(groupDirectory)/\(partition.topic)/\(partition.partition).owner", create: true)
            guard try lock.tryLock() else {
                missing = true  // its previous owner has not let go yet
                continue
            }
            let reader = PartitionReader(topic: partition.topic, partition: partition.partition,
                                         directory: transport.partitionDirectory(partition.topic, partition.partition))
            // Read the committed offset only once the lock is ours: the previous owner's last commit is final.
            if let committed = transport.readCommitted(group: group, topic: partition.topic, partition: partition.partition) {
                try reader.seek(to: .offset(committed))
            } else if case .group(_, let start) = membership {
                try reader.seek(to: start)
            }
            ownerLocks[partition] = lock
            readers[partition] = reader
        }
        let interval = transport.options.membershipInterval
        nextMembershipCheck = .now + (missing ? min(interval, .milliseconds(50)) : interval)
    }

    func poll(maxMessages: Int, timeout: Duration) async throws -> [ConsumedMessage] {
        guard !closed else { throw TransportError(.closed, "poll on a closed consumer") }
        let deadline = ContinuousClock.now + timeout
        var idleSleep: Duration = .milliseconds(1)
        while true {
            if member != nil, ContinuousClock.now >= nextMembershipCheck { try rebalance() }
            let batch = try readAvailable(max: max(1, maxMessages))
            if !batch.isEmpty { return batch }
            let now = ContinuousClock.now
            if now >= deadline || closed { return [] }
            try await Task.sleep(for: min(idleSleep, deadline - now))
            idleSleep = min(idleSleep * 2, Self.maximumIdleSleep)
        }
    }

    /// Reads what is there now, taking turns among partitions so that none starves.
    private func readAvailable(max: Int) throws -> [ConsumedMessage] {
        let partitions = readers.keys.sorted()
        guard !partitions.isEmpty else { return [] }
        var out: [ConsumedMessage] = []
        rotation = (rotation + 1) % partitions.count
        for index in 0..<partitions.count where out.count < max {
            let partition = partitions[(rotation + index) % partitions.count]
            let read = try readers[partition]!.read(max: max - out.count)
            // The first non-empty read is taken whole: appending would copy every message.
            if out.isEmpty { out = read } else { out += read }
        }
        return out
    }

    func commit(_ offsets: [TopicPartition: Int64]) async throws {
        guard let group = groupName else { return }
        let owned = offsets.filter { ownerLocks[$0.key] != nil }.sorted { $0.key < $1.key }
        guard !owned.isEmpty else { return }
        let transport = transport
        // fsync can take a while on a busy disk: do it off the cooperative pool.
        try await Blocking.run {
            for (partition, offset) in owned {
                try transport.writeCommitted(group: group, topic: partition.topic, partition: partition.partition, offset: offset)
            }
        }
    }

    func seek(_ partition: TopicPartition, to position: StartPosition) async throws {
        guard let reader = readers[partition] else {
            throw TransportError(.unknownPartition, "cannot seek \(partition): this consumer does not own it (it owns \(readers.keys.sorted()))")
        }
        try reader.seek(to: position)
    }

    func assignment() async -> Set<TopicPartition> {
        if member != nil, ContinuousClock.now >= nextMembershipCheck { try? rebalance() }
        return Set(readers.keys)
    }

    func close() async throws {
        guard !closed else { return }
        closed = true
        readers.removeAll()
        ownerLocks.removeAll()
        if let group = groupName, let member {
            GroupMembers.leave(directory: "\(transport.groupDirectory(group))/members", member: member)
        }
        memberFile = nil
    }
}
