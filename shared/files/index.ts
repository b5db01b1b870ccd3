export { parseFile, checkContentType, FILE_MEDIA_TYPES, type FileRowError, type ParsedBatch, type ParseOptions } from './parse-file.js';
export { fileMappingSchema, fileOptionsSchema, type FileMapping, type FileMappingInput } from './mapping.js';
export { FileFormatError, type FileInput } from './readers/source.js';
export { READY_MAPPINGS, READY_MAPPING_NAMES, type ReadyMappingName } from './mappings/index.js';
export { FileMappings, type MappingChoice, type PreviewResult } from './service.js';
export { fileMappingOf, fileMappingId, type FileMappingItem } from './saved.js';
