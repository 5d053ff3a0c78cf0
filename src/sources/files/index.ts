export { importFile } from './import-file.js';
export { FileImportError } from './errors.js';
export { parseMapping, readMappingFile, mappingSchema, type Mapping, type MappingInput } from './mapping.js';
export { fileFormats, type FileFormat } from './detect.js';
