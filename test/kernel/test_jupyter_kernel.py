"""Jupyter's own kernel conformance suite (jupyter_kernel_test) against the synthlab kernel.

Run through test/kernel/run_kernel_test.sh, which installs the kernelspec into a temporary
prefix, points JUPYTER_PATH at it, and fails if any test is skipped.
"""
import unittest

import jupyter_kernel_test


class SynthlabKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "synthlab"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("something went to stderr")'

    completion_samples = [
        {"text": "Math.ma", "matches": {"max"}},
        {"text": "const fooBarBaz = 1;\nfooBar", "matches": {"fooBarBaz"}},
    ]

    complete_code_samples = ["1 + 1", "const a = 1;", "function f(x: number) {\n  return x * 2;\n}"]
    incomplete_code_samples = ["function f(x: number) {", "const xs = [1, 2,", "if (true) {\n  console.log(1);"]
    invalid_code_samples = ["const = ;", "1 +* 2)"]

    # IPython-style introspection: `name?` opens the pager via an execute_reply payload.
    code_page_something = "Math?"

    code_generate_error = 'throw new Error("this cell fails on purpose")'

    code_execute_result = [
        {"code": "1 + 2 + 3", "result": "6"},
        {"code": '"syn" + "thlab"', "result": "'synthlab'"},
        {"code": "[1, 2, 3].map((x) => x * 2)", "result": "[ 2, 4, 6 ]"},
    ]

    code_display_data = [
        {"code": 'display("shown with display()")', "mime": "text/plain"},
        {
            "code": 'display({ [Symbol.for("Jupyter.display")]() { return { "text/html": "<b>rich</b>" }; } })',
            "mime": "text/html",
        },
    ]

    # Must match exactly one distinct input of code_execute_result (glob syntax, whole input).
    code_history_pattern = "1 + 2 + *"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math"

    code_clear_output = "clearOutput()"


if __name__ == "__main__":
    unittest.main()
