#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Transport

/// Membership of a consumer group on one machine. Each live member holds an
/// exclusive `flock` on its own file in `groups/<group>/members/`; the kernel
/// drops the lock when the process dies, however it dies. A member file whose
/// lock can be taken belongs to a dead member and is removed.
enum GroupMembers {
    struct Member: Codable, Hashable {
        var id: String
        var topics: [String]
    }

    /// Joins: the file is locked before it gets its final name, so nobody can see it unlocked.
    static func join(directory: String, topics: [String]) throws -> (Member, PosixFile) {
        try FileSystem.makeDirectory(directory)
        var host = [UInt8](repeating: 0, count: 256)
        gethostname(&host, 255)
        let hostName = String(decoding: host.prefix { $0 != 0 }, as: UTF8.self)
        let id = "\(hostName)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            .map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }
        let member = Member(id: String(id), topics: topics.sorted())
        let temporary = "\(directory)/.joining-\(member.id)"
        let file = try PosixFile(path: temporary, create: true, exclusive: true)
        guard try file.tryLock() else { throw TransportError(.io, "cannot lock new member file \(temporary)") }
        let bytes = Array(try JSONEncoder().encode(member))
        try bytes.withUnsafeBytes { try file.write($0, at: 0) }
        guard rename(temporary, "\(directory)/\(member.id)") == 0 else {
            throw PosixFile.error("cannot rename \(temporary)")
        }
        return (member, file)
    }

    static func leave(directory: String, member: Member) {
        FileSystem.remove("\(directory)/\(member.id)")
    }

    /// The members whose process still holds its file's lock; removes the files of dead ones.
    static func live(in directory: String, except own: Member? = nil) -> [Member] {
        var members: [Member] = []
        for name in FileSystem.list(directory) where !name.hasPrefix(".") {
            let path = "\(directory)/\(name)"
            if let own, name == own.id {
                members.append(own)
                continue
            }
            guard let file = try? PosixFile(path: path, readOnly: true) else { continue }
            if (try? file.tryLock()) == true {
                // Nobody holds it: the member died. (Re-check the name still points at this file.)
                FileSystem.remove(path)
                file.unlock()
                continue
            }
            if let bytes = FileSystem.read(path), let member = try? JSONDecoder().decode(Member.self, from: Data(bytes)) {
                members.append(member)
            }
        }
        return members.sorted { $0.id < $1.id }
    }
}
