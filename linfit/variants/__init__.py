"""The same training, written the other ways TensorFlow offers.

* [`linfit.variants.keras_model`][]: the line as a Keras 3 model, trained with
  ``compile`` and ``fit``;
* [`linfit.variants.optimizers`][]: the functional style (free variables and a
  loss function) and a Keras optimizer's ``apply_gradients``;
* [`linfit.variants.classifier`][]: the same loop training an MLP classifier, with
  ``tf.data`` batching and streaming metrics.

Each checks its input like [`linfit.train`][linfit.loop.train], and the linear ones
hand their rows to the same recorder, so they return the same History.
"""

from linfit._imports import lazy_submodules

__all__ = ["classifier", "keras_model", "optimizers"]
__getattr__ = lazy_submodules(__name__, tuple(__all__))
