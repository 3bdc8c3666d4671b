/// The `config` object of an image configuration (OCI config.md, "config"), including the Docker
/// fields the OCI spec lists as reserved-compatible: `Healthcheck`, `Shell`, `OnBuild`, `ArgsEscaped`.
/// Unknown fields survive a round trip.
public struct ContainerConfig: Hashable, Sendable, Codable {
    public var user: String?
    public var exposedPorts: [String: JSONValue]?
    public var env: [String]?
    public var entrypoint: [String]?
    public var cmd: [String]?
    public var volumes: [String: JSONValue]?
    public var workingDir: String?
    public var labels: [String: String]?
    public var stopSignal: String?
    public var argsEscaped: Bool?
    public var healthcheck: Healthcheck?
    public var shell: [String]?
    public var onBuild: [String]?
    public var unknownFields: [String: JSONValue]

    public init(user: String? = nil, exposedPorts: [String: JSONValue]? = nil, env: [String]? = nil,
                entrypoint: [String]? = nil, cmd: [String]? = nil, volumes: [String: JSONValue]? = nil,
                workingDir: String? = nil, labels: [String: String]? = nil, stopSignal: String? = nil,
                argsEscaped: Bool? = nil, healthcheck: Healthcheck? = nil, shell: [String]? = nil,
                onBuild: [String]? = nil, unknownFields: [String: JSONValue] = [:]) {
        self.user = user; self.exposedPorts = exposedPorts; self.env = env
        self.entrypoint = entrypoint; self.cmd = cmd; self.volumes = volumes
        self.workingDir = workingDir; self.labels = labels; self.stopSignal = stopSignal
        self.argsEscaped = argsEscaped; self.healthcheck = healthcheck; self.shell = shell
        self.onBuild = onBuild; self.unknownFields = unknownFields
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case user = "User", exposedPorts = "ExposedPorts", env = "Env", entrypoint = "Entrypoint"
        case cmd = "Cmd", volumes = "Volumes", workingDir = "WorkingDir", labels = "Labels"
        case stopSignal = "StopSignal", argsEscaped = "ArgsEscaped", healthcheck = "Healthcheck"
        case shell = "Shell", onBuild = "OnBuild"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        user = try c.decodeIfPresent(String.self, forKey: .user)
        exposedPorts = try c.decodeIfPresent([String: JSONValue].self, forKey: .exposedPorts)
        env = try c.decodeIfPresent([String].self, forKey: .env)
        entrypoint = try c.decodeIfPresent([String].self, forKey: .entrypoint)
        cmd = try c.decodeIfPresent([String].self, forKey: .cmd)
        volumes = try c.decodeIfPresent([String: JSONValue].self, forKey: .volumes)
        workingDir = try c.decodeIfPresent(String.self, forKey: .workingDir)
        labels = try c.decodeIfPresent([String: String].self, forKey: .labels)
        stopSignal = try c.decodeIfPresent(String.self, forKey: .stopSignal)
        argsEscaped = try c.decodeIfPresent(Bool.self, forKey: .argsEscaped)
        healthcheck = try c.decodeIfPresent(Healthcheck.self, forKey: .healthcheck)
        shell = try c.decodeIfPresent([String].self, forKey: .shell)
        onBuild = try c.decodeIfPresent([String].self, forKey: .onBuild)
        unknownFields = try decoder.unknownFields(known: Set(CodingKeys.allCases.map(\.rawValue)))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(user, forKey: .user)
        try c.encodeIfPresent(exposedPorts, forKey: .exposedPorts)
        try c.encodeIfPresent(env, forKey: .env)
        try c.encodeIfPresent(entrypoint, forKey: .entrypoint)
        try c.encodeIfPresent(cmd, forKey: .cmd)
        try c.encodeIfPresent(volumes, forKey: .volumes)
        try c.encodeIfPresent(workingDir, forKey: .workingDir)
        try c.encodeIfPresent(labels, forKey: .labels)
        try c.encodeIfPresent(stopSignal, forKey: .stopSignal)
        try c.encodeIfPresent(argsEscaped, forKey: .argsEscaped)
        try c.encodeIfPresent(healthcheck, forKey: .healthcheck)
        try c.encodeIfPresent(shell, forKey: .shell)
        try c.encodeIfPresent(onBuild, forKey: .onBuild)
        try encoder.encodeUnknownFields(unknownFields)
    }

    /// Docker's `Healthcheck` (durations in nanoseconds). Unknown fields survive a round trip.
    public struct Healthcheck: Hashable, Sendable, Codable {
        public var test: [String]?
        public var interval: Int64?
        public var timeout: Int64?
        public var startPeriod: Int64?
        public var startInterval: Int64?
        public var retries: Int?
        public var unknownFields: [String: JSONValue]
        public init(test: [String]? = nil, interval: Int64? = nil, timeout: Int64? = nil,
                    startPeriod: Int64? = nil, startInterval: Int64? = nil, retries: Int? = nil,
                    unknownFields: [String: JSONValue] = [:]) {
            self.test = test; self.interval = interval; self.timeout = timeout
            self.startPeriod = startPeriod; self.startInterval = startInterval; self.retries = retries
            self.unknownFields = unknownFields
        }
        enum CodingKeys: String, CodingKey, CaseIterable {
            case test = "Test", interval = "Interval", timeout = "Timeout"
            case startPeriod = "StartPeriod", startInterval = "StartInterval", retries = "Retries"
        }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            test = try c.decodeIfPresent([String].self, forKey: .test)
            interval = try c.decodeIfPresent(Int64.self, forKey: .interval)
            timeout = try c.decodeIfPresent(Int64.self, forKey: .timeout)
            startPeriod = try c.decodeIfPresent(Int64.self, forKey: .startPeriod)
            startInterval = try c.decodeIfPresent(Int64.self, forKey: .startInterval)
            retries = try c.decodeIfPresent(Int.self, forKey: .retries)
            unknownFields = try decoder.unknownFields(known: Set(CodingKeys.allCases.map(\.rawValue)))
        }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeIfPresent(test, forKey: .test)
            try c.encodeIfPresent(interval, forKey: .interval)
            try c.encodeIfPresent(timeout, forKey: .timeout)
            try c.encodeIfPresent(startPeriod, forKey: .startPeriod)
            try c.encodeIfPresent(startInterval, forKey: .startInterval)
            try c.encodeIfPresent(retries, forKey: .retries)
            try encoder.encodeUnknownFields(unknownFields)
        }
    }
}
