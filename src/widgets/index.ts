/**
 * synthlab/widgets: ipywidgets 8-compatible widgets and the Jupyter comm API, for TypeScript.
 * Importable alone from Node: widgets keep state and fire observers without a kernel; inside the
 * synthlab kernel they sync with the front end over comms. See docs/widgets.md.
 */
export { Comm, CommManager, RecordingTransport, commManager, openComm, registerCommTarget } from "./comm.js";
export type { CommMessageType, CommPayload, CommTransport, CommTargetHandler, CommMsgHandler } from "./comm.js";
export {
  Widget,
  SubModel,
  getWidget,
  allWidgets,
  liveWidgetCount,
  installWidgetTargets,
  PROTOCOL_VERSION,
  WIDGET_TARGET,
  CONTROL_TARGET,
  WIDGET_VIEW_MIME,
} from "./widget.js";
export type { Change, Observer, WidgetInit, SubModelInit } from "./widget.js";
export {
  IntSlider,
  FloatSlider,
  IntRangeSlider,
  IntProgress,
  Dropdown,
  ToggleButtons,
  Checkbox,
  Text,
  Textarea,
  Label,
  HTML,
  Button,
  HBox,
  VBox,
  Tab,
} from "./controls.js";
export type {
  IntSliderTraits,
  FloatSliderTraits,
  IntRangeSliderTraits,
  IntProgressTraits,
  DropdownTraits,
  ToggleButtonsTraits,
  CheckboxTraits,
  TextTraits,
  TextareaTraits,
  LabelTraits,
  HTMLTraits,
  ButtonTraits,
  SelectionOption,
} from "./controls.js";
export { Output } from "./output.js";
export type { OutputItem, OutputTraits } from "./output.js";
export { link, dlink, interact, interactive, Interactive, widgetFor } from "./interact.js";
export type { Abbreviation, Link, TraitRef } from "./interact.js";
export { ProgressWidget, installProgressWidgets } from "./progress.js";
