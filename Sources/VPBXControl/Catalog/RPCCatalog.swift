/// Every method of the protocol, in the order help texts list them.
public enum RPCCatalog {
    public static let methods: [RPCMethodDescriptor] = [
        .init(EngineHello.self),
        .init(EngineStatus.self),
        .init(SystemListMethods.self),
        .init(ExtensionCreate.self),
        .init(ExtensionList.self),
        .init(ExtensionGet.self),
        .init(ExtensionUpdate.self),
        .init(ExtensionDelete.self),
        .init(RegistrationList.self),
        .init(CallList.self),
        .init(CallHangup.self),
        .init(CDRSearch.self),
        .init(ScheduleCreate.self),
        .init(ScheduleList.self),
        .init(ScheduleGet.self),
        .init(ScheduleUpdate.self),
        .init(ScheduleDelete.self),
        .init(ScheduleSetOverride.self),
        .init(HolidayList.self),
        .init(HolidayAdd.self),
        .init(HolidayRemove.self),
        .init(HolidaySwap.self),
        .init(HolidayUnswap.self),
        .init(RouteCreate.self),
        .init(RouteList.self),
        .init(RouteDelete.self),
        .init(TimeConditionCreate.self),
        .init(TimeConditionList.self),
        .init(TimeConditionUpdate.self),
        .init(TimeConditionDelete.self),
        .init(MenuCreate.self),
        .init(MenuList.self),
        .init(MenuGet.self),
        .init(MenuUpdate.self),
        .init(MenuDelete.self),
        .init(PromptList.self),
        .init(PromptSet.self),
        .init(PromptReset.self),
        .init(VoicemailList.self),
        .init(VoicemailGet.self),
        .init(VoicemailExport.self),
        .init(VoicemailDelete.self),
        .init(VoicemailMarkHeard.self),
        .init(EventsSubscribe.self),
    ]

    /// The method called `name`, if the catalog has one.
    public static func method(named name: String) -> RPCMethodDescriptor? {
        methods.first { $0.name == name }
    }
}
