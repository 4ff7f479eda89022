// VPBXSDP: placeholder until the layer lands.
