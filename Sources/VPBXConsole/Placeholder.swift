// VPBXConsole: placeholder until the layer lands.
