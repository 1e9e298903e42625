"""Comms and ipywidgets 8 widgets through jupyter_client, as a Python front end sees the kernel.

Run through test/kernel/run_kernel_test.sh (it installs the kernelspec into a temporary prefix).
Checks: comm_info lists jupyter.widget; displaying a slider sends comm_open with the model state and
a widget-view display; a front-end comm_msg changes the value the next cell sees and fires observers;
comm_close works both ways; the control comm answers request_states.
"""
import json
import time
import unittest
import uuid

from jupyter_client.manager import start_new_kernel

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
TIMEOUT = 120


class WidgetProtocolTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name="synthlab", startup_timeout=TIMEOUT)
        # The first cell loads the TypeScript engine.
        cls.run_cell("0")

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)

    @classmethod
    def run_cell(cls, code):
        """Runs a cell; returns (reply, iopub messages of that cell up to idle)."""
        msg_id = cls.kc.execute(code)
        reply = cls.kc.get_shell_msg(timeout=TIMEOUT)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = cls.kc.get_shell_msg(timeout=TIMEOUT)
        outputs = []
        while True:
            msg = cls.kc.get_iopub_msg(timeout=TIMEOUT)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
            outputs.append(msg)
        return reply, outputs

    @classmethod
    def result_text(cls, code):
        reply, outputs = cls.run_cell(code)
        assert reply["content"]["status"] == "ok", reply["content"]
        results = [m for m in outputs if m["msg_type"] == "execute_result"]
        assert results, [m["msg_type"] for m in outputs]
        return results[0]["content"]["data"]["text/plain"]

    def send_comm(self, msg_type, content):
        msg = self.kc.session.msg(msg_type, content)
        self.kc.shell_channel.send(msg)
        return msg["header"]["msg_id"]

    def wait_iopub(self, predicate, what):
        deadline = time.time() + TIMEOUT
        while time.time() < deadline:
            msg = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if predicate(msg):
                return msg
        self.fail(f"no {what} on iopub")

    def test_1_slider_comm_open_and_view(self):
        reply, outputs = self.run_cell(
            'import { IntSlider } from "synthlab/widgets";\n'
            'const slider = new IntSlider({ value: 5, max: 10, description: "n" });\n'
            "const seen: number[] = [];\n"
            'slider.observe((c) => seen.push(c.new as number), "value");\n'
            "slider"
        )
        self.assertEqual(reply["content"]["status"], "ok")
        opens = [m for m in outputs if m["msg_type"] == "comm_open"]
        models = [m["content"]["data"]["state"]["_model_name"] for m in opens]
        self.assertEqual(models, ["LayoutModel", "SliderStyleModel", "IntSliderModel"])
        slider_open = opens[-1]
        self.assertEqual(slider_open["content"]["target_name"], "jupyter.widget")
        self.assertEqual(slider_open["metadata"], {"version": "2.1.0"})
        state = slider_open["content"]["data"]["state"]
        self.assertEqual((state["value"], state["max"], state["description"]), (5, 10, "n"))
        self.assertEqual(state["_model_module"], "@jupyter-widgets/controls")
        self.assertEqual(state["layout"], "IPY_MODEL_" + opens[0]["content"]["comm_id"])
        result = [m for m in outputs if m["msg_type"] == "execute_result"][0]["content"]["data"]
        type(self).slider_id = slider_open["content"]["comm_id"]
        self.assertEqual(result[WIDGET_MIME], {"version_major": 2, "version_minor": 0, "model_id": self.slider_id})
        self.assertEqual(result["text/plain"], "IntSlider(value=5, max=10, description='n')")

    def test_2_comm_info_lists_jupyter_widget(self):
        msg_id = self.kc.comm_info(target_name="jupyter.widget")
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual(reply["content"]["comms"][self.slider_id], {"target_name": "jupyter.widget"})
        self.assertIn("jupyter.widget", reply["content"]["targets"])
        self.assertIn("jupyter.widget.control", reply["content"]["targets"])

    def test_3_frontend_update_changes_value_and_fires_observers(self):
        msg_id = self.send_comm("comm_msg", {"comm_id": self.slider_id, "data": {"method": "update", "state": {"value": 8}, "buffer_paths": []}})
        echo = self.wait_iopub(lambda m: m["msg_type"] == "comm_msg" and m["parent_header"].get("msg_id") == msg_id, "echo_update")
        self.assertEqual(echo["content"]["data"], {"method": "echo_update", "state": {"value": 8}, "buffer_paths": []})
        self.assertEqual(self.result_text("JSON.stringify([slider.value, seen])"), "'[8,[8]]'")

    def test_4_control_comm_request_states(self):
        comm_id = uuid.uuid4().hex
        self.send_comm("comm_open", {"comm_id": comm_id, "target_name": "jupyter.widget.control", "data": {}})
        msg_id = self.send_comm("comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}})
        reply = self.wait_iopub(lambda m: m["msg_type"] == "comm_msg" and m["parent_header"].get("msg_id") == msg_id, "update_states")
        data = reply["content"]["data"]
        self.assertEqual(data["method"], "update_states")
        self.assertEqual(data["states"][self.slider_id]["model_name"], "IntSliderModel")
        self.assertEqual(data["states"][self.slider_id]["state"]["value"], 8)

    def test_5_close_both_ways(self):
        # Front end closes the slider: the kernel's widget is closed.
        self.send_comm("comm_close", {"comm_id": self.slider_id, "data": {}})
        self.assertEqual(self.result_text("slider.closed"), "true")
        # Kernel closes a widget: comm_close goes to the front end.
        reply, outputs = self.run_cell('import { Text } from "synthlab/widgets";\nconst t = new Text({ value: "x" });\nt.close();\nt.modelId')
        text_id = json.loads(
            [m for m in outputs if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"].replace("'", '"')
        )
        closes = [m["content"]["comm_id"] for m in outputs if m["msg_type"] == "comm_close"]
        self.assertIn(text_id, closes)


if __name__ == "__main__":
    unittest.main()
