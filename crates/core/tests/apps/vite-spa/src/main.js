document.querySelector('#app').textContent = 'Hello from vite-spa';
