//! Region administration: the territory and the organizations of the portal.
