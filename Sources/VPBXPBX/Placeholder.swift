// VPBXPBX: placeholder until the layer lands.
