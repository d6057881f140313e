"""A U-Net for segmentation, written with the blocks of blocks.py (the founding question's network)."""

import keras
from keras import layers

from .blocks import conv_block, up_block


def build_unet(input_shape=(256, 256, 1), filters=64, depth=4, classes=1):
    """The encoder halves the size `depth` times; the decoder doubles it back and joins the skips."""
    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs
    skips = []
    for level in range(depth):
        x = conv_block(x, filters * 2**level)
        skips.append(x)
        x = layers.MaxPooling2D(2)(x)
    x = conv_block(x, filters * 2**depth, dropout=0.5)
    for level in reversed(range(depth)):
        x = up_block(x, skips[level], filters * 2**level)
    outputs = layers.Conv2D(classes, 1, activation="sigmoid", name="mask")(x)
    return keras.Model(inputs, outputs, name="unet")
