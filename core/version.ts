/** The toolkit's version, written into every store and checkpoint it makes. */
export const TOOLKIT_VERSION = "0.1.0";
