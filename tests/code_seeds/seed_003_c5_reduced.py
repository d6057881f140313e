Conv2D(256,kernel_size=1,strides=1,pad=1)
