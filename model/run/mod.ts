/**
 * Run folders and checkpoints: the safetensors format, checkpoint files (parameters, AdamW moments, the
 * info JSON), a run's JSON form (`run_json.ts`), the run folder (its tokenizer copy, loading a trained
 * model), `metrics.jsonl` and the loss plot.
 *
 * @module
 */
export {
  type LoadedRun,
  loadRun,
  prepareRunFolder,
  requireTrainedTokenizer,
  storeTokenizerFile,
  TOKENIZER_FILE,
  type TokenizerFile,
} from "./run_folder.ts";
export {
  gptConfigFromJson,
  type GptConfigJson,
  gptConfigToJson,
  type ScheduleJson,
  trainPlanFromJson,
  type TrainPlanJson,
  trainPlanToJson,
} from "./run_json.ts";
export {
  assignTensors,
  type CheckpointInfo,
  latestCheckpoint,
  listCheckpoints,
  loadOptimizer,
  loadParams,
  readCheckpointInfo,
  resolveCheckpoint,
  saveCheckpoint,
} from "./checkpoint.ts";
export {
  decodeSafetensors,
  encodeSafetensors,
  readSafetensors,
  type SafetensorsDtype,
  type SafetensorsFile,
  type SafetensorsTensor,
  writeSafetensors,
} from "./safetensors.ts";
export { lossPlotSvg, MetricsLog, type MetricsRecord, readMetrics } from "./metrics.ts";
export { type ChartOptions, lineChartSvg, type Series } from "./plot.ts";
