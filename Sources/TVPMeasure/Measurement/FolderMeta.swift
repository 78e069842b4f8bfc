import Foundation

/// A results folder's meta.json, one flat JSON object: what ran (`facts`: a run's `RunFacts`, a
/// paired run's `PairedFacts`) and how it went (`course`). Fields of either read as the meta's own
/// (`meta.scenario`, `meta.status`).
@dynamicMemberLookup
public struct FolderMeta<Facts: Codable & Sendable>: Codable, Sendable {
    /// What ran.
    public var facts: Facts
    /// How it went.
    public var course: RunCourse

    /// A meta.json of `facts` and `course`.
    public init(facts: Facts, course: RunCourse) {
        self.facts = facts
        self.course = course
    }

    /// A fact of what ran.
    public subscript<Value>(dynamicMember path: WritableKeyPath<Facts, Value>) -> Value {
        get { facts[keyPath: path] }
        set { facts[keyPath: path] = newValue }
    }

    /// A fact of how it went.
    public subscript<Value>(dynamicMember path: WritableKeyPath<RunCourse, Value>) -> Value {
        get { course[keyPath: path] }
        set { course[keyPath: path] = newValue }
    }

    /// Decodes both parts from the one JSON object.
    public init(from decoder: any Decoder) throws {
        facts = try Facts(from: decoder)
        course = try RunCourse(from: decoder)
    }

    /// Encodes both parts into the one JSON object (an encoder merges the keys of a level).
    public func encode(to encoder: any Encoder) throws {
        try facts.encode(to: encoder)
        try course.encode(to: encoder)
    }

    /// The current UTC time in ISO 8601 with milliseconds.
    public static func timestamp(_ date: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}

/// How a run or a paired run went, as its meta.json says: when it started and ended, its status
/// and why, and the tvp that answers for it while it runs.
public struct RunCourse: Codable, Sendable {
    /// UTC start and end, ISO 8601; no end while running.
    public var startedAt: String, endedAt: String?
    /// "running", "complete", "failed" (an error stopped it, or a trial failed) or "interrupted"
    /// (SIGINT or SIGTERM), and why when it is not running or complete.
    public var status: String, reason: String?
    /// The tvp process that answers for the folder while it is "running" ("PID:START", see
    /// `ProcFS.processIdentity`): a later tvp that finds it gone marks the folder failed. Folders of
    /// tvp versions before it have none.
    public var ownerProcess: String?

    /// The course of a run that starts now (or at `startedAt`), owned by `ownerProcess`.
    public init(startedAt: String = RunMeta.timestamp(), endedAt: String? = nil, status: String = "running", reason: String? = nil,
                ownerProcess: String? = nil) {
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.status = status
        self.reason = reason
        self.ownerProcess = ownerProcess
    }

    enum CodingKeys: String, CodingKey {
        case startedAt = "started_at", endedAt = "ended_at", status, reason, ownerProcess = "owner_process"
    }
}
