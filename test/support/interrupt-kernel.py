"""Run one cell on a kernel, interrupt it once it shows output, and report what happened.

Usage: interrupt-kernel.py KERNEL_NAME CWD SETUP_FILE CODE_FILE. Runs the setup cell, then
the cell to interrupt. Prints one JSON line: the execute reply's status, the cell's stderr
text, and whether the kernel still answers afterwards.
"""
import json
import sys
import time

import jupyter_client

kernel_name, cwd, setup_file, code_file = sys.argv[1:5]
setup = open(setup_file, encoding="utf-8").read()
code = open(code_file, encoding="utf-8").read()
km, kc = jupyter_client.manager.start_new_kernel(kernel_name=kernel_name, cwd=cwd)
outcome = {"status": None, "stderr": "", "alive": False, "interrupted": False, "setup": None}
try:
    setup_reply = kc.execute_interactive(setup, timeout=60)
    outcome["setup"] = setup_reply["content"].get("status")
    msg_id = kc.execute(code)
    deadline = time.time() + 90
    while time.time() < deadline and outcome["status"] is None and km.is_alive():
        try:
            msg = kc.get_iopub_msg(timeout=0.5)
            if msg["parent_header"].get("msg_id") == msg_id:
                if msg["msg_type"] == "stream" and msg["content"]["name"] == "stderr":
                    outcome["stderr"] += msg["content"]["text"]
                # The query shows its progress line once it has run for a second: interrupt then.
                if msg["msg_type"] == "display_data" and not outcome["interrupted"]:
                    km.interrupt_kernel()
                    outcome["interrupted"] = True
        except Exception:
            pass
        try:
            reply = kc.get_shell_msg(timeout=0.1)
            if reply["parent_header"].get("msg_id") == msg_id:
                outcome["status"] = reply["content"].get("status")
        except Exception:
            pass
    time.sleep(0.5)
    while True:
        try:
            msg = kc.get_iopub_msg(timeout=0.5)
        except Exception:
            break
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream" and msg["content"]["name"] == "stderr":
            outcome["stderr"] += msg["content"]["text"]
    check = kc.execute("1 + 1")
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            reply = kc.get_shell_msg(timeout=1)
            if reply["parent_header"].get("msg_id") == check:
                outcome["alive"] = reply["content"].get("status") == "ok"
                break
        except Exception:
            if not km.is_alive():
                break
finally:
    km.shutdown_kernel(now=True)
print(json.dumps(outcome))
