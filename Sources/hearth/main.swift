import MQTT
print(MQTTProtocolVersion.v5)
