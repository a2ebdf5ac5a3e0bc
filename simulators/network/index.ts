export {
  scenarioEvents,
  SCENARIOS,
  ScenarioError,
  type ScenarioName,
  type ScenarioOptions,
  type NetworkEvents,
} from './scenarios.ts';
export { publishNetworkEvents, type PublishNetworkOptions } from './publish.ts';
