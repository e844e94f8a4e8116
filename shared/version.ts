/** Engine version recorded in audit records; bump when detection or anonymization output changes. */
export const ENGINE_VERSION = "0.1.0";
