import MQTT

extension MQTTClient {
    /// Runs `body`, which reads this client's events, and disconnects the client as soon as
    /// `trigger` returns (a deadline passed, a stop rang): the events then end, and so does
    /// `body`. When `body` ends first, `trigger` is cancelled and nothing is disconnected here.
    @discardableResult
    public nonisolated func disconnecting<Result>(when trigger: @escaping @Sendable () async -> Void,
                                                  during body: () async -> Result) async -> Result {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await trigger()
                if !Task.isCancelled { await self.disconnect() }
            }
            let result = await body()
            group.cancelAll()
            return result
        }
    }
}
