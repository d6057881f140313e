"""The building blocks of the U-Net: two 3×3 convolutions, and an up-step that joins a skip connection."""

from keras import layers


def conv_block(x, filters, dropout=0.0):
    """Two 3×3 convolutions that keep the size (padding='same'), then dropout if asked."""
    x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    if dropout:
        x = layers.Dropout(dropout)(x)
    return x


def up_block(x, skip, filters):
    """Double the size, a 2×2 convolution (the 'up-convolution'), join the skip, then a conv block."""
    x = layers.UpSampling2D(2)(x)
    x = layers.Conv2D(filters, 2, padding="same", activation="relu")(x)
    x = layers.Concatenate()([skip, x])
    return conv_block(x, filters)
