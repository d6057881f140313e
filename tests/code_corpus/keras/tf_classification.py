# Source: https://github.com/tensorflow/docs/blob/7c3650212740204359d4ceae481abc79345541be/site/en/tutorials/keras/classification.ipynb (code cells)
# Licence: Apache-2.0 (TensorFlow docs, Copyright 2018 The TensorFlow Authors); the notebook is also under MIT (Copyright (c) 2017 François Chollet)
# Cut: the matplotlib import, loading and scaling Fashion-MNIST, plots, training, evaluation and predictions.
# The code cells kept are verbatim and in order.

# TensorFlow and tf.keras
import tensorflow as tf

# Helper libraries
import numpy as np

print(tf.__version__)

class_names = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
               'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']

model = tf.keras.Sequential([
    tf.keras.layers.Flatten(input_shape=(28, 28)),
    tf.keras.layers.Dense(128, activation='relu'),
    tf.keras.layers.Dense(10)
])

model.compile(optimizer='adam',
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=['accuracy'])

probability_model = tf.keras.Sequential([model, 
                                         tf.keras.layers.Softmax()])
