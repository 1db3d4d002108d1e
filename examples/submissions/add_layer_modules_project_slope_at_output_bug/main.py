from dense import Dense
from net import Net
from reader import read_training_data
from squash import Squash

if __name__ == "__main__":
    samples, wanted = read_training_data()
    net = Net()
    net.add_layer(Dense(4, 3))
    net.add_layer(Squash())
    net.add_layer(Dense(3, 4))
    net.add_layer(Squash())
    net.train_net(samples, wanted, epochs=5000, rate=0.05)
    print(net.run(samples))
