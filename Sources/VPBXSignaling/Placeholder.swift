// VPBXSignaling: placeholder until the layer lands.
