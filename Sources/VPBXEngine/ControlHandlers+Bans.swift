import VPBXControl
import VPBXPBX

/// `ban.*`: sources banned for repeated authentication failures (the core's
/// `AuthFailureGuard`; bans live in memory and end with the engine).
extension ControlHandlers {
    func registerBanMethods(on router: ControlRouter) {
        router.register(BanList.self) { _, _ in
            await self.pbx.authBans().map {
                BanInfo(source: $0.source, failures: $0.failures, bannedAt: $0.bannedAt, until: $0.until)
            }
        }
        router.register(BanDelete.self) { params, _ in
            guard await self.pbx.liftAuthBan(params.source) else {
                throw RPCError.notFound("\(params.source) is not banned (see vpbx ban list)")
            }
            return Acknowledged()
        }
    }
}
