"""Scoring script of the example endpoint: predicts a flat's monthly rent with the linear model in model/linear.json.

Azure ML calls init() once when the container starts and run() for every request. A model registered from the
folder `model` is mounted at $AZUREML_MODEL_DIR/model/, as `az ml` does it. Standard library only.
"""
import json
import logging
import os

model = None


def init():
    """Loads the model once per container; an exception here is a crash loop, so fail loudly and early."""
    global model
    path = os.path.join(os.environ["AZUREML_MODEL_DIR"], "model", "linear.json")
    with open(path, encoding="utf-8") as f:
        model = json.load(f)
    if len(model["weights"]) != len(model["features"]):
        raise ValueError(f"{path}: {len(model['weights'])} weights for {len(model['features'])} features")
    logging.info("loaded %s: features %s", path, model["features"])


def run(raw_data):
    """{"data": [[floor_area_m2, rooms, distance_to_centre_km], ...]} → {"predictions": [rent, ...]}"""
    rows = json.loads(raw_data)["data"]
    width = len(model["features"])
    for row in rows:
        if len(row) != width:
            raise ValueError(f"each row needs {width} values ({', '.join(model['features'])}), got {row}")
    return {
        "predictions": [
            round(sum(w * x for w, x in zip(model["weights"], row)) + model["bias"], 2) for row in rows
        ]
    }
