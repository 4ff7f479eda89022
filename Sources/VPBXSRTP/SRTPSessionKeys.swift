import Crypto
import _CryptoExtras

/// The keys one direction of SRTP or SRTCP uses, derived from the master key and salt with
/// the AES-CM pseudo-random function (RFC 3711 §4.3.1, §4.3.3), key derivation rate 0 (the
/// SDES default: derived once).
struct SRTPSessionKeys {
    let cipherKey: SymmetricKey
    let salt: [UInt8]
    /// HMAC-SHA1 with the 160-bit authentication key, its key schedule done once: each packet
    /// copies it (a value) and feeds its bytes.
    let mac: HMAC<Insecure.SHA1>

    /// RFC 3711 §4.3.1's labels: 0-2 for SRTP, 3-5 for SRTCP.
    enum Labels {
        case rtp, rtcp
        var cipher: UInt8 { self == .rtp ? 0 : 3 }
        var authentication: UInt8 { self == .rtp ? 1 : 4 }
        var salt: UInt8 { self == .rtp ? 2 : 5 }
    }

    init(master: SRTPKeyMaterial, labels: Labels) {
        self.cipherKey = SymmetricKey(data: Self.derive(master, label: labels.cipher, length: 16))
        self.salt = Self.derive(master, label: labels.salt, length: 14)
        let authKey = SymmetricKey(data: Self.derive(master, label: labels.authentication, length: 20))
        self.mac = HMAC<Insecure.SHA1>(key: authKey)
    }

    /// The PRF's output for `label`: the master salt with the label XORed at octet 7 (the
    /// 48-bit `key_id` is the label followed by index DIV kdr, which is 0), shifted left by
    /// 16 bits as the counter block, the keystream of the master key from it.
    static func derive(_ master: SRTPKeyMaterial, label: UInt8, length: Int) -> [UInt8] {
        var block = master.salt + [0, 0]
        block[7] ^= label
        // Sixteen bytes: the full-block form the initialiser accepts, so it cannot throw.
        let nonce = try! AES._CTR.Nonce(nonceBytes: block)
        return AESCounterMode.keystream(key: SymmetricKey(data: master.key), nonce: nonce, length: length)
    }
}

/// AES in counter mode over the whole 128-bit block (RFC 3711 §4.1.1), through swift-crypto.
enum AESCounterMode {
    static func keystream(key: SymmetricKey, nonce: AES._CTR.Nonce, length: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: length)
        bytes.withUnsafeMutableBytes { apply(to: $0, key: key, nonce: nonce) }
        return bytes
    }

    /// XORs `bytes` with the keystream starting at `nonce`, where they lie (encryption and
    /// decryption are the same). swift-crypto returns the result as new `Data`: one
    /// allocation a packet, and the AES key schedule is set up again each time (its `_CTR`
    /// API takes a key, not a prepared cipher).
    static func apply(to bytes: UnsafeMutableRawBufferPointer, key: SymmetricKey, nonce: AES._CTR.Nonce) {
        guard !bytes.isEmpty else { return }
        // The key and nonce sizes are fixed here (16 and 16 bytes): it cannot throw.
        let result = try! AES._CTR.encrypt(UnsafeRawBufferPointer(bytes), using: key, nonce: nonce)
        result.withUnsafeBytes { bytes.copyMemory(from: $0) }
    }
}
