// The browser side of the widget test (test/browser/widget-check.mjs bundles it with esbuild at test
// time; the bundle is never committed). ipywidgets' own frontend code — @jupyter-widgets/html-manager's
// HTMLManager with @jupyter-widgets/controls — is connected live to a synthlab kernel through
// @jupyterlab/services (a Jupyter server's REST and websocket API), the way JupyterLab's widget
// manager is: the kernel opens comms on target "jupyter.widget", and widget-view outputs of executed
// cells are rendered as views. Exposes window.widgetTest for the checker.
import { HTMLManager } from "@jupyter-widgets/html-manager/lib/htmlmanager";
import { shims } from "@jupyter-widgets/base";
import { KernelManager, ServerConnection } from "@jupyterlab/services";

const WIDGET_VIEW = "application/vnd.jupyter.widget-view+json";

/** HTMLManager with real comms: the frontend half of the widget protocol over a live kernel. */
class LiveManager extends HTMLManager {
  constructor(kernel) {
    super();
    this.kernel = kernel;
    // The kernel opens a comm per widget model; the manager builds the model from its state.
    kernel.registerCommTarget(this.comm_target_name, (comm, msg) => {
      this.handle_comm_open(new shims.services.Comm(comm), msg).catch((e) => log(`comm_open failed: ${e}`));
    });
  }
  async _create_comm(target, modelId, data, metadata, buffers) {
    const comm = this.kernel.createComm(target, modelId);
    if (data || metadata) comm.open(data, metadata, buffers);
    return new shims.services.Comm(comm);
  }
  async _get_comm_info() {
    const reply = await this.kernel.requestCommInfo({ target_name: this.comm_target_name });
    return reply.content.status === "ok" ? reply.content.comms : {};
  }
}

const logs = [];
function log(line) { logs.push(line); }

let manager;
let kernel;
let cellNo = 0;

async function connect({ baseUrl, token, kernelName }) {
  const serverSettings = ServerConnection.makeSettings({ baseUrl, wsUrl: baseUrl.replace(/^http/, "ws"), token, appendToken: true });
  const kernels = new KernelManager({ serverSettings });
  kernel = await kernels.startNew({ name: kernelName });
  kernel.connectionStatusChanged.connect((_, s) => log(`connection ${s}`));
  manager = new LiveManager(kernel);
  const info = await kernel.info;
  return { implementation: info.implementation, protocol: info.protocol_version };
}

/** Executes `code`; renders each widget-view output in a new cell area; returns what came back. */
async function run(code) {
  cellNo += 1;
  const area = document.createElement("div");
  area.className = "cell";
  area.id = `cell-${cellNo}`;
  document.getElementById("cells").appendChild(area);
  const result = { cell: cellNo, stdout: "", stderr: "", plain: [], views: 0, errors: [], status: "" };
  const views = [];
  const future = kernel.requestExecute({ code, stop_on_error: true });
  future.onIOPub = (msg) => {
    const t = msg.header.msg_type;
    const c = msg.content;
    if (t === "stream") result[c.name === "stderr" ? "stderr" : "stdout"] += c.text;
    else if (t === "error") result.errors.push(`${c.ename}: ${c.evalue}`);
    else if (t === "display_data" || t === "execute_result") {
      const view = c.data[WIDGET_VIEW];
      if (view) {
        const el = document.createElement("div");
        el.className = "widget-output";
        el.dataset.modelId = view.model_id;
        area.appendChild(el);
        views.push(manager.get_model(view.model_id)
          .then((model) => manager.create_view(model))
          .then((v) => manager.display_view(v, el))
          .then(() => { result.views += 1; }, (e) => result.errors.push(`render: ${e}`)));
      } else if (c.data["text/plain"] !== undefined) result.plain.push(c.data["text/plain"]);
    }
  };
  const reply = await future.done;
  await Promise.all(views);
  result.status = reply.content.status;
  area.dataset.done = "1";
  return result;
}

window.widgetTest = { connect, run, logs, shutdown: () => kernel?.shutdown() };
