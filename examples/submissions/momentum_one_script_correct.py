"""XOR by a course's recipe, in Portuguese names: sigmoid hidden and output layers, weights moved by
gradient ascent on -0.5 * sum((saidas - camada_saida) ** 2), each update written
peso = (peso * momento) + (entrada.T @ delta * taxa_aprendizagem) with momento = 1.
Only the mean absolute error is printed: the code has no loss of its own."""
import numpy as np


def sigmoide(soma):
    return 1 / (1 + np.exp(-soma))


def derivada_sigmoide(sig):
    return sig * (1 - sig)


entradas = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
saidas = np.array([[0], [1], [1], [0]])

gerador = np.random.default_rng(7)
pesos_oculta = 2 * gerador.random((2, 4)) - 1
pesos_saida = 2 * gerador.random((4, 1)) - 1

epocas = 5000
taxa_aprendizagem = 0.5
momento = 1

for epoca in range(epocas):
    camada_oculta = sigmoide(entradas @ pesos_oculta)
    camada_saida = sigmoide(camada_oculta @ pesos_saida)

    erro_saida = saidas - camada_saida
    media_absoluta = np.mean(np.abs(erro_saida))

    delta_saida = erro_saida * derivada_sigmoide(camada_saida)
    delta_oculta = (delta_saida @ pesos_saida.T) * derivada_sigmoide(camada_oculta)

    pesos_saida = (pesos_saida * momento) + (camada_oculta.T @ delta_saida * taxa_aprendizagem)
    pesos_oculta = (pesos_oculta * momento) + (entradas.T @ delta_oculta * taxa_aprendizagem)

    if epoca % 1000 == 0:
        print("epoca", epoca, "erro medio absoluto", media_absoluta)
