# Source: https://github.com/keras-team/keras-io/blob/0766e7be5fbe02ab55c4f0cd4e6d433bf6c44b61/examples/vision/3D_image_classification.py
# Licence: Apache-2.0 (keras-io, Copyright the Keras authors)
# Cut: downloading and reading the CT scans, preprocessing and augmentation, plots, training, evaluation
# and prediction (with the os, zipfile, nibabel, cv2, scipy, random and matplotlib imports they need).
# The rest is verbatim.

"""
Title: 3D Image Classification from CT Scans
Author: [Hasib Zunair](https://twitter.com/hasibzunair)
Date created: 2020/09/10
Last modified: 2020/09/17
Description: Train a 3D convolutional neural network to classify location of cancer.
"""

import numpy as np
import tensorflow as tf

from tensorflow import keras
from tensorflow.keras import layers

"""
## Define 3D convolutional neural network



To make the model easier to understand, blocks are defined. Since this is a
3D CNN, 3D convolutions are used. The architecture of the 3D CNN used in this example
is based on this [paper](https://arxiv.org/abs/2007.13224).
"""


def get_model(img_size, num_classes):
    # build a 3D convolutional neural network model

    inputs = keras.Input(img_size)

    x = layers.Conv3D(filters=16, kernel_size=3, activation="relu")(inputs)
    x = layers.MaxPool3D(pool_size=2)(x)
    x = layers.BatchNormalization()(x)

    x = layers.Conv3D(filters=32, kernel_size=3, activation="relu")(x)
    x = layers.MaxPool3D(pool_size=2)(x)
    x = layers.BatchNormalization()(x)

    x = layers.Conv3D(filters=64, kernel_size=3, activation="relu")(x)
    x = layers.MaxPool3D(pool_size=2)(x)
    x = layers.BatchNormalization()(x)

    x = layers.Conv3D(filters=128, kernel_size=3, activation="relu")(x)
    x = layers.MaxPool3D(pool_size=2)(x)
    x = layers.BatchNormalization()(x)

    x = layers.Flatten()(x)
    x = layers.Dense(units=256, activation="relu")(x)
    x = layers.Dropout(0.3)(x)

    outputs = layers.Dense(units=1, activation="sigmoid")(x)

    # define the model
    model = keras.Model(inputs, outputs, name="3dcnn")
    return model


# build model
model = get_model((128, 128, 128, 1), 2)
model.summary()

"""
## Train model
"""

# compile model
initial_learning_rate = 0.0001
lr_schedule = tf.keras.optimizers.schedules.ExponentialDecay(
    initial_learning_rate, decay_steps=100000, decay_rate=0.96, staircase=True
)
model.compile(
    loss="binary_crossentropy",
    optimizer=keras.optimizers.Adam(learning_rate=lr_schedule),
    metrics=["acc"],
)

# define callbacks
checkpoint_cb = tf.keras.callbacks.ModelCheckpoint(
    "3d_image_classification.h5", save_best_only=True
)
early_stopping_cb = tf.keras.callbacks.EarlyStopping(monitor="val_acc", patience=10)
