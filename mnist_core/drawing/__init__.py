"""A drawing or photo to the 28x28 input: strokes, photos on paper, preprocessing.

The lowest room above constants and errors: the data (pen digits, writing styles)
and the reading (classifier, explanations) both go through it, so what the model
sees at training and on the canvas is made by the same code.
"""
