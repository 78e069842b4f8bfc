public enum TVPVersion { public static let string = "0.1.0" }
