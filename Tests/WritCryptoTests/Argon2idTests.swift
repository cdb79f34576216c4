import Testing
import WritCrypto

@Suite("Argon2id", .timeLimit(.minutes(3)))
struct Argon2idTests {
    @Test("the raw tag matches RFC 9106 §5.3")
    func rfc9106() throws {
        let tag = try Argon2id.rawHash(
            password: [UInt8](repeating: 0x01, count: 32), salt: [UInt8](repeating: 0x02, count: 16),
            secret: [UInt8](repeating: 0x03, count: 8), associatedData: [UInt8](repeating: 0x04, count: 12),
            parameters: .init(memoryKiB: 32, iterations: 3, parallelism: 4), length: 32)
        #expect(Hex.encode(tag) == "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659")
    }

    @Test("the PHC string matches the reference implementation's test vector")
    func referenceVector() throws {
        let phc = try Argon2id.hash(
            password: "password", salt: Array("somesalt".utf8), parameters: .init(memoryKiB: 65_536, iterations: 2, parallelism: 1))
        #expect(phc == "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc")
    }

    @Test("default hashes use OWASP parameters, verify the right password only, and are salted")
    func hashAndVerify() throws {
        let first = try Argon2id.hash(password: "correct horse battery staple")
        let second = try Argon2id.hash(password: "correct horse battery staple")
        #expect(first.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(first != second)
        #expect(Argon2id.verify(password: "correct horse battery staple", phc: first))
        #expect(!Argon2id.verify(password: "correct horse battery stapler", phc: first))
        #expect(!Argon2id.verify(password: "anything", phc: "$argon2id$garbage"))
        #expect(!Argon2id.verify(password: "anything", phc: ""))
    }
}
